// What is interactive on the search page (issue #18): the page itself is served without the
// app's JavaScript (csr = false), and these two pieces are all it needs scripts for.
// - The phone's Filter button opens and closes the facets (the CSS hides them behind it only
//   when scripting is enabled: routes/search/+page.svelte).
// - "Export selected" counts the hits ticked on this page, and is disabled while none is.
(function () {
	'use strict';
	function init() {
		var toggle = document.querySelector('[data-testid="filter-toggle"]');
		var facets = document.getElementById('search-facets');
		if (toggle && facets)
			toggle.addEventListener('click', function () {
				var open = facets.classList.toggle('open');
				toggle.setAttribute('aria-expanded', String(open));
			});

		var form = document.getElementById('cite-export');
		var button = document.querySelector('[data-testid="cite-export-selected"]');
		if (!form || !button) return;
		var boxes = document.querySelectorAll('input[type="checkbox"][form="cite-export"]');
		var label = button.getAttribute('data-label') || button.textContent;
		function count() {
			var n = 0;
			for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
			button.disabled = n === 0;
			button.textContent = n ? label + ' (' + n + ')' : label;
		}
		for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener('change', count);
		count();
	}
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
	else init();
})();
