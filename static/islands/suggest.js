// The header search box's suggestions (issue #18), as a small island of plain JavaScript rather
// than part of the Svelte app: pages that are mostly reading (home, catalog, series) ship no
// app JavaScript at all (`csr = false`), and this box is all they need scripts for. Loaded by
// app.html on every page (deferred); it listens on the document, so it works the same whether
// or not the page was hydrated, and after client-side navigations. Markup and behaviour are
// those of the former Svelte version (SiteHeader.svelte): a combobox whose listbox of links
// follows the newest keystroke only.
(function () {
	'use strict';
	var timer = 0;
	var latest = 0;

	function list() {
		return document.getElementById('site-suggest');
	}

	function clear(input) {
		var ul = list();
		if (ul) ul.remove();
		input.setAttribute('aria-expanded', 'false');
	}

	function href(s) {
		if (s.kind === 'title') return '/publications/' + s.id;
		if (s.kind === 'series') return '/series/' + s.slug;
		return '/search?subject=' + encodeURIComponent(s.value);
	}

	function show(input, items) {
		if (!items.length) return clear(input);
		var combo = input.parentElement;
		var d = combo.dataset;
		var ul = list();
		if (!ul) {
			ul = document.createElement('ul');
			ul.id = 'site-suggest';
			ul.setAttribute('role', 'listbox');
			ul.setAttribute('aria-label', d.label || '');
			ul.dataset.testid = 'suggestions';
			combo.appendChild(ul);
		}
		ul.replaceChildren();
		for (var i = 0; i < items.length; i++) {
			var s = items[i];
			var li = document.createElement('li');
			li.setAttribute('role', 'option');
			li.setAttribute('aria-selected', 'false');
			var a = document.createElement('a');
			a.href = href(s);
			a.dataset.testid = 'suggestion';
			var kind = document.createElement('span');
			kind.className = 'kind';
			kind.textContent = d['kind' + s.kind.charAt(0).toUpperCase() + s.kind.slice(1)] || s.kind;
			a.append(kind, ' ' + s.value);
			li.appendChild(a);
			ul.appendChild(li);
		}
		input.setAttribute('aria-expanded', 'true');
	}

	function isBox(t) {
		return t instanceof HTMLInputElement && t.id === 'site-search';
	}

	document.addEventListener('input', function (e) {
		var input = e.target;
		if (!isBox(input)) return;
		clearTimeout(timer);
		var value = input.value;
		if (value.trim().length < 2) return clear(input);
		var ticket = ++latest;
		timer = setTimeout(function () {
			fetch('/api/v1/suggest?q=' + encodeURIComponent(value))
				.then(function (res) {
					return res.ok ? res.json() : null;
				})
				.then(function (body) {
					// Answers can overtake each other: only the newest keystroke's list is shown.
					if (body && ticket === latest) show(input, body.items || []);
				})
				.catch(function () {});
		}, 120);
	});
	document.addEventListener('keydown', function (e) {
		if (isBox(e.target) && e.key === 'Escape') clear(e.target);
	});
	document.addEventListener('focusout', function (e) {
		var input = e.target;
		// Late enough for a click on a suggestion to land first.
		if (isBox(input))
			setTimeout(function () {
				++latest;
				clear(input);
			}, 150);
	});
})();
