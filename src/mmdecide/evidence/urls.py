"""Which links a source may have: https, a named host of a known kind, no raw IP or odd port.

A person follows these links from the results page to check a number, so each must lead to the
publication (or the registry, regulator, guideline or news page) itself over an encrypted
connection, not to a mirror, a catalogue search, a staging copy of a site or a bare server.
:func:`url_problems` returns what is wrong with one URL (empty when it is fine).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["HOST_KINDS", "PENDING_REPLACEMENT", "host_kind", "url_problems"]

#: Host kinds and their hosts (a URL's host must equal one, or end with "." + one).
HOST_KINDS: dict[str, tuple[str, ...]] = {
    "doi": ("doi.org", "dx.doi.org"),
    "pubmed": ("pubmed.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "europepmc.org"),
    "registry": ("clinicaltrials.gov", "clinicaltrialsregister.eu", "euclinicaltrials.eu", "isrctn.com",
                 "trialsearch.who.int", "anzctr.org.au", "jrct.niph.go.jp"),
    "regulator": ("fda.gov", "ema.europa.eu", "medicines.org.uk", "medicinesresources.nhs.uk",
                  "nice.org.uk", "cancer.gov"),
    "guideline": ("nccn.org", "jnccn.org", "jnccn360.org", "esmo.org", "ukmf.org.uk", "myeloma.org",
                  "imwg.myeloma.org", "bsh.org.uk"),
    "publisher": ("nejm.org", "thelancet.com", "ashpublications.org", "ascopubs.org", "nature.com",
                  "springer.com", "springermedizin.de", "wiley.com", "sciencedirect.com", "elsevier.com",
                  "jamanetwork.com", "aacrjournals.org", "frontiersin.org", "hindawi.com",
                  "thieme-connect.de", "ovid.com", "oup.com", "bmj.com", "cell.com", "tandfonline.com",
                  "karger.com", "mdpi.com", "haematologica.org", "lww.com", "biomedcentral.com",
                  "portlandpress.com", "cancer.org", "acsjournals.onlinelibrary.wiley.com",
                  "viewer.joomag.com"),  # joomag: the publisher's digital edition of ASH Clinical News
    "conference": ("meetinglibrary.asco.org", "asco.org", "ash.confex.com", "library.ehaweb.org",
                   "eventscribe.net", "ehaweb.org", "hematology.org"),
    "repository": ("hal.science", "repub.eur.nl", "research.rug.nl", "research.vumc.nl",
                   "researchinformation.amsterdamumc.org", "epub.ub.uni-muenchen.de", "eprints.ncl.ac.uk",
                   "ox.ac.uk", "pure.elsevier.com", "digitalcommons.library.tmc.edu", "scholars.duke.edu",
                   "vivo.health.unm.edu", "ricerca.uniba.it"),
    "news": ("ascopost.com", "onclive.com", "targetedonc.com", "cancernetwork.com", "cancertherapyadvisor.com",
             "hematologyadvisor.com", "medpagetoday.com", "medscape.com", "ajmc.com", "biospace.com",
             "valuebasedcancer.com", "oncpracticemanagement.com", "theoncologypharmacist.com",
             "docwirenews.com", "physiciansweekly.com", "ecancer.org", "univadis.co.uk",
             "congressupdatehematology.be", "mims.com", "pocn.com", "medicom-publishers.com",
             "hmpgloballearningnetwork.com", "medimix.be", "medpath.com",
             "sohoonline.org"),  # SOHO News: the Society of Hematologic Oncology's news pages
    # the regulator's label text as published by DailyMed, or reproduced by a label site (a
    # source from such a copy says so in its note, and its tier stays "label")
    "label": ("dailymed.nlm.nih.gov", "prescriberpoint.com"),
    "manufacturer": ("revlimidhcp.com", "jnjmedicalconnect.com", "bms.com", "janssen.com", "takeda.com",
                     "packageinserts.bms.com"),
}

#: Mirrors and catalogue pages still cited because the primary record was not yet found. Each is
#: a debt, not an allowed kind: tests/test_evidence_urls.py pins how many sources use them, so the
#: number can only fall. Replace them with the DOI, PubMed or publisher page of the same record.
PENDING_REPLACEMENT: tuple[str, ...] = (
    "globalauthorid.com", "www.120ty.net", "cdn.pim.mesoigner.fr", "d.docksci.com",
    "discovery.researcher.life", "larvol.hashnode.dev", "searchworks.jioinstitute.edu.in",
    "synapsesocial.com", "www.mendeley.com",
)

#: Host labels of copies that are not the public site (staging, preview and test deployments).
_NOT_PUBLIC = re.compile(r"(^|[.-])(staging|preview|develop|dev|test|fstlytest)([.-]|$)")


def host_kind(host: str) -> str | None:
    """The kind of a host name (see :data:`HOST_KINDS`), or None if it is none of them."""
    host = host.lower()
    for kind, hosts in HOST_KINDS.items():
        if any(host == h or host.endswith("." + h) for h in hosts):
            return kind
    return None


def url_problems(url: str) -> list[str]:
    """What is wrong with a source URL, in words (empty if nothing)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return [f"not a valid URL ({exc})"]
    host = (parts.hostname or "").lower()
    if host in PENDING_REPLACEMENT:
        return []
    out = []
    if parts.scheme != "https":
        out.append(f"must use https, not {parts.scheme or 'no scheme'}")
    if not host:
        return [*out, "has no host name"]
    if parts.username or parts.password:
        out.append("must not carry a user name or password")
    try:
        ipaddress.ip_address(host)
        out.append(f"points to a raw IP address ({host}), not a named site")
    except ValueError:
        pass
    if port is not None and port != 443:
        out.append(f"uses port {port}; only the standard https port is allowed")
    if host.endswith(".") or _NOT_PUBLIC.search(host):
        out.append(f"host {host} is not the public site (a staging, preview or test copy, or a trailing dot)")
    elif not out and host_kind(host) is None:
        out.append(f"host {host} is not a publisher, DOI, PubMed/PMC, registry, regulator, guideline, "
                   "conference, repository or news site on the allow-list (evidence/urls.py)")
    return out
