#!/usr/bin/perl
# A real OAI-PMH harvester for the tests: Debian's libhttp-oai-perl (HTTP::OAI::Harvester),
# not our own client. Harvests one list, following resumption tokens, and prints one line per
# record so a test can compare harvests:
#
#   responseDate<TAB><date of the first answer>      (the next incremental harvest's `from`)
#   <identifier><TAB><active|deleted><TAB><datestamp><TAB><setSpec,…><TAB><dc:title|>
#   pages<TAB><number of answers>
#
# Usage: oai-harvest.pl BASE_URL [ListIdentifiers|ListRecords] [metadataPrefix] [from] [until] [set]
# (empty strings for arguments to leave out). Exit 0 on a harvest (noRecordsMatch is an empty
# harvest), 2 on an OAI or HTTP error, which goes to stderr.
use strict;
use warnings;
use HTTP::OAI;
use HTTP::OAI::Metadata::OAI_DC;

binmode STDOUT, ':encoding(UTF-8)';

my ($base, $verb, $prefix, $from, $until, $set) = @ARGV;
die "usage: $0 BASE_URL [verb] [metadataPrefix] [from] [until] [set]\n" unless $base;
$verb ||= 'ListIdentifiers';
$prefix ||= 'oai_dc';
die "verb must be ListIdentifiers or ListRecords\n" unless $verb =~ /^List(Identifiers|Records)$/;

# resume => 0: we follow the tokens ourselves, to keep the first answer's responseDate and count
# the pages.
my $h = HTTP::OAI::Harvester->new(baseURL => $base, resume => 0);
my %args = (metadataPrefix => $prefix);
$args{from} = $from if defined $from && length $from;
$args{until} = $until if defined $until && length $until;
$args{set} = $set if defined $set && length $set;
if ($prefix eq 'oai_dc' && $verb eq 'ListRecords') {
	$args{handlers} = { metadata => 'HTTP::OAI::Metadata::OAI_DC' };
}

my $pages = 0;
while (1) {
	my $r = $verb eq 'ListRecords' ? $h->ListRecords(%args) : $h->ListIdentifiers(%args);
	if ($r->is_error) {
		print STDERR "error: ", $r->code, " ", $r->message, "\n";
		exit 2;
	}
	$pages++;
	print "responseDate\t", $r->responseDate, "\n" if $pages == 1;
	if (my @errors = $r->errors) {
		# noRecordsMatch is not an error for a harvester: nothing changed.
		last if $errors[0]->code eq 'noRecordsMatch';
		print STDERR "error: ", $errors[0]->code, " ", $errors[0]->message, "\n";
		exit 2;
	}
	while (my $item = $r->next) {
		next unless ref $item;    # a bare token string when resume is off
		my $header = $item->isa('HTTP::OAI::Record') ? $item->header : $item;
		my $title = '';
		if ($item->isa('HTTP::OAI::Record') && !$header->is_deleted && $item->metadata
			&& $item->metadata->can('dc')) {
			my $titles = $item->metadata->dc->{title} || [];
			$title = join(' | ', @$titles);
		}
		print join("\t",
			$header->identifier,
			($header->is_deleted ? 'deleted' : 'active'),
			$header->datestamp,
			join(',', $header->setSpec),
			$title), "\n";
	}
	my $token = $r->resumptionToken;
	last unless $token && $token->resumptionToken;
	%args = (resumptionToken => $token->resumptionToken, handlers => $args{handlers});
	delete $args{handlers} unless $args{handlers};
}
print "pages\t$pages\n";
