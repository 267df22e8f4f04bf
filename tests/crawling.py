"""Generated from the routes: every URL variable of ``app.url_map`` is an object type, filled from a world's objects;
a crawler that follows every link and download a principal is given; and a finder of a reporter's secrets in any
body (HTML, JSON, XML, CSV, XLSX, PDF), header or file name.

A new route needs nothing here unless it brings a new URL variable: then ``INT_VARIABLES`` or ``STRING_VARIABLES``
must say what it addresses (``unknown_variables`` fails the tests until it does)."""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_plus, urljoin, urlsplit

from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from complaints.access import access_rule_of
from complaints.extensions import db
from complaints.models import (
    Agreement,
    ApiToken,
    ClarificationRequest,
    Complaint,
    CorrectiveAction,
    JointReview,
    OutboxMessage,
    SignInSession,
)
from complaints.services.casework import permissions

#: Every ``<int:…>`` variable of the routes, by name: the object type it addresses.
INT_VARIABLES = {
    "case_id": "complaint",
    "attachment_id": "attachment",
    "request_id": "clarification_request",
    "action_id": "corrective_action",
    "review_id": "joint_review",
    "agreement_id": "agreement",
    "unit_id": "service_unit",
    "user_id": "user",
    "token_id": "api_token",
    "client_id": "api_client",
    "band_id": "assessment_band",
    "override_id": "holiday_override",
    "session_id": "sign_in_session",
}

#: Every other variable, by name: what fills it.
STRING_VARIABLES = {
    "number": "complaint",  # a report's tracking number
    "request_id": "complaint",  # Open311's service_request_id: the tracking number
    "token": "secret_link",  # a report job's token, an e-mailed verification or reset link, an Open311 key
    "region_code": "region",
    "code": "region",
    "province_code": "province",
    "service_code": "substance_area",
    "lang": "language",
    "filename": "static_file",
    "fmt": "choice",
    "kind": "file_kind",
    "action": "case_action",
    "anything": "unknown_path",
}

#: Types whose objects belong to a case: filled from one case at a time, so a URL's variables agree.
CASE_TYPES = {"complaint", "attachment", "clarification_request", "corrective_action"}


def variable_type(rule: Rule, name: str) -> str | None:
    int_variable = isinstance(rule._converters[name], IntegerConverter)
    return (INT_VARIABLES if int_variable else STRING_VARIABLES).get(name)


def unknown_variables(app: Flask) -> list[str]:
    return sorted(
        f"{rule.rule} <{name}>"
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if variable_type(rule, name) is None
    )


def get_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


# --- filling URL variables from a world's objects -----------------------------------------------------------------


def _linked_values(app: Flask) -> dict[str, set[str]]:
    """The variables of links e-mailed so far (verification, password reset): values no object table holds."""
    found: dict[str, set[str]] = defaultdict(set)
    adapter = app.url_map.bind("localhost")
    for body in db.session.scalars(select(OutboxMessage.body)):
        for url in re.findall(r"https?://\S+", body):
            try:
                _endpoint, args = adapter.match(urlsplit(url).path, method="GET")
            except HTTPException:
                continue
            for name, value in args.items():
                found[name].add(str(value))
    return found


@dataclass
class Filler:
    """What fills each object type: values per case (for the case types) and values for the rest."""

    app: Flask
    cases: list[Complaint]
    secret_tokens: list[str]
    ids: dict[str, list[int]]  # object type -> ids of the world's objects of that type
    regions: list[str]
    linked: dict[str, set[str]] = field(default_factory=dict)

    def case_values(self, type_: str, case: Complaint, name: str, *, sample: bool = False) -> list:
        if type_ == "complaint":
            return [case.id] if name == "case_id" else [case.tracking_number]
        if type_ == "attachment":
            if sample:  # one of each kind, private or not
                return sorted({(a.kind, a.private): a.id for a in case.attachments}.values())
            return [a.id for a in case.attachments]
        model = {"clarification_request": ClarificationRequest, "corrective_action": CorrectiveAction}[type_]
        return list(db.session.scalars(select(model.id).where(model.complaint_id == case.id)))

    def values(self, type_: str, rule: Rule, name: str) -> list:
        if type_ in self.ids:
            return self.ids[type_]
        static = {
            "region": self.regions,
            "province": sorted({code.split(".")[0] for code in self.regions}),
            "substance_area": sorted({c.substance_area_code for c in self.cases}),
            "language": sorted(self.app.config["LANGUAGES"]),
            "file_kind": ["pdf", "xlsx"],
            "case_action": sorted(permissions.ACTIONS)[:1],
            "unknown_path": ["tidak-ada"],
        }
        if type_ in static:
            return static[type_]
        if type_ == "choice":
            converter = rule._converters[name]
            return sorted(converter.items) if isinstance(converter, AnyConverter) else []
        if type_ == "secret_link":
            return [*self.secret_tokens, *sorted(self.linked.get(name, ())), "bukan-token"]
        if type_ == "static_file":
            return _static_files(self.app, rule.endpoint)
        raise AssertionError(f"no values for {type_} ({rule.rule} <{name}>)")

    def combinations(self, rule: Rule, *, crossed: bool = False, objects: set[str] | None = None) -> list[dict]:
        """The rule's variables filled: from each case's own objects where a variable belongs to a case (so a case's
        attachment goes with that case), from the world's objects otherwise. ``crossed`` adds, for rules with two
        variables of a case, each case's first variable with the next case's objects for the rest (the attack: a
        case in reach, another case's document). With ``objects`` (object types), a sample: one attachment of each
        kind per case, and one value only for the variables of other types (a format, say)."""
        names = sorted(rule.arguments, key=lambda n: (variable_type(rule, n) != "complaint", n))
        types = {name: variable_type(rule, name) for name in names}
        case_names = [n for n in names if types[n] in CASE_TYPES]
        pairs = [(case, case) for case in self.cases] if case_names else [(None, None)]
        if crossed and len(case_names) > 1:
            pairs += list(zip(self.cases, self.cases[1:] + self.cases[:1], strict=True))
        combinations = []
        for first, rest in pairs:
            choices = [
                self.values(types[n], rule, n)
                if types[n] not in CASE_TYPES
                else self.case_values(types[n], first if n == case_names[0] else rest, n, sample=objects is not None)
                for n in names
            ]
            if objects is not None:
                choices = [c if types[n] in objects else c[:1] for n, c in zip(names, choices, strict=True)]
            combinations += [dict(zip(names, c, strict=True)) for c in itertools.product(*choices)]
        return combinations

    def urls(self, rule: Rule) -> list[str]:
        return list(dict.fromkeys(build_url(self.app, rule, values) for values in self.combinations(rule)))


def build_url(app: Flask, rule: Rule, values: dict) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, values, method="GET" if "GET" in rule.methods else None)


def _static_files(app: Flask, endpoint: str) -> list[str]:
    folder = app.static_folder if endpoint == "static" else app.blueprints[endpoint.split(".")[0]].static_folder
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return [str(p.relative_to(folder)) for p in files][:3]


def is_api(app: Flask, endpoint: str) -> bool:
    return access_rule_of(app.view_functions[endpoint]) == "token"


def admitted(app: Flask, endpoint: str, principal) -> bool:
    """Whether the route's access rule (``complaints/access.py``) lets ``principal`` in at all, whatever the object."""
    view = app.view_functions[endpoint]
    rule = access_rule_of(view)
    if rule == "public":
        return True
    if rule == "token":
        return principal.token is not None and principal.user.role in view.allowed_roles
    user = principal.session_user
    return user is not None and user.role in view.allowed_roles


def world_filler(app: Flask, world, cases: list[Complaint] | None = None) -> Filler:
    """Variables filled from ``cases`` (all the world's by default) and the world's other objects."""
    cases = cases or world.cases
    return Filler(
        app=app,
        cases=cases,
        secret_tokens=[world.report_job.token, *world.submission_keys],
        ids={
            "joint_review": list(db.session.scalars(select(JointReview.id))),
            "agreement": list(db.session.scalars(select(Agreement.id).order_by(Agreement.id))),
            "service_unit": sorted({c.unit_id for c in cases}),
            "user": sorted(u.id for u in world.users.values()),
            "api_token": list(db.session.scalars(select(ApiToken.id))),
            "api_client": [world.client_id],
            "assessment_band": [world.band_id],
            "holiday_override": [world.override_id],
            "sign_in_session": list(db.session.scalars(select(SignInSession.id).order_by(SignInSession.id))),
        },
        regions=sorted({c.region.code for c in cases}),
        linked=_linked_values(app),
    )


# --- finding secrets -----------------------------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return "".join(text.casefold().split())


class SecretFinder:
    """Finds each secret as written, case-folded, whitespace-normalised and with all whitespace removed (a PDF may
    break a name over two lines, a phone number may be written without its spaces or with +62 for its 0)."""

    def __init__(self, secrets: dict[str, str]):
        self.needles = {}
        for label, value in secrets.items():
            squeezed = _squeezed(value)
            if squeezed.isdigit() and squeezed.startswith("0"):
                squeezed = squeezed[1:]  # 0813… and +62813… alike
            self.needles[label] = (" ".join(value.casefold().split()), squeezed)

    def find(self, text: str) -> list[str]:
        variants = (text, html.unescape(text), unquote_plus(text))
        spaced = [" ".join(v.casefold().split()) for v in variants]
        squeezed = [_squeezed(v) for v in variants]
        return [
            label
            for label, (normal, tight) in self.needles.items()
            if any(normal in v for v in spaced) or any(tight in v for v in squeezed)
        ]


# --- reading what an answer holds ----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_text(content: bytes, mimetype: str) -> tuple[str, str | None]:
    """The text an answer carries, and what kind of download it was parsed as (None for a page)."""
    raw = content.decode("utf-8", errors="replace")
    if content.startswith(b"%PDF"):
        return raw + "\n" + pdf_text(content), "pdf"
    if mimetype == XLSX or (content.startswith(b"PK") and _is_xlsx(content)):
        return xlsx_text(content), "xlsx"
    if mimetype == "text/csv":
        return content.decode("utf-8-sig", errors="replace"), "csv"
    if mimetype.endswith("json"):
        try:  # \u escapes undone
            return raw + "\n" + json.dumps(json.loads(content), ensure_ascii=False), None
        except ValueError:
            return raw, None
    return raw, None


def _is_xlsx(content: bytes) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    except zipfile.BadZipFile:
        return False


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    return metadata + "\n" + "\n".join(page.extract_text() or "" for page in reader.pages)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    parts = [" ".join(book.sheetnames), " ".join(str(v) for v in vars(book.properties).values() if v)]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts.append("\t".join("" if v is None else str(v) for v in row))
    return "\n".join(parts)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.links.append(attrs.get("action") or "")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.links.append((attrs.get("content") or "").partition("url=")[2])


def _json_links(value) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_links(item)
    elif isinstance(value, str) and (value.startswith("/") or value.startswith("http")):
        yield value


def links_in(response, text: str) -> list[str]:
    found = []
    if response.mimetype == "text/html":
        parser = _Links()
        parser.feed(text)
        found += parser.links
    elif response.is_json:
        found += list(_json_links(response.get_json(silent=True)))
    if response.headers.get("Location"):
        found.append(response.headers["Location"])
    found += re.findall(r"<([^>]+)>;\s*rel=", response.headers.get("Link", ""))
    return found


# --- the crawl -----------------------------------------------------------------------------------------------------


def reached(response) -> bool:
    """The view ran and answered: a page or file, or a redirect that is not to the sign-in page (some views only
    redirect: choosing a language, the one-province list, an e-mail confirmation)."""
    if 200 <= response.status_code < 300:
        return True
    location = urlsplit(response.headers.get("Location", "")).path
    return 300 <= response.status_code < 400 and not location.startswith("/masuk")


@dataclass
class Appearance:
    principal: str
    url: str
    status: int
    where: str
    secrets: list[str]


@dataclass
class CrawlStats:
    fetched: int = 0
    downloads: Counter = field(default_factory=Counter)
    reached: set[str] = field(default_factory=set)  # endpoints
    appearances: list[Appearance] = field(default_factory=list)
    secrets_seen: set[str] = field(default_factory=set)
    truncated: list[str] = field(default_factory=list)


class Crawler:
    """Fetches the seeds and every same-site link and download found from them, as one principal, once each.

    Bounded: at most ``per_endpoint`` URLs found by following links for any one endpoint (the seeds always), and
    ``max_pages`` in all (reaching it is reported in ``truncated``, which the tests treat as a failure)."""

    def __init__(self, app: Flask, finder: SecretFinder, *, per_endpoint: int = 4, max_pages: int = 3000):
        self.app, self.finder = app, finder
        self.adapter = app.url_map.bind("localhost")
        base = app.config.get("PUBLIC_BASE_URL") or "http://localhost"
        self.hosts = {"", "localhost", urlsplit(base).netloc}
        self.per_endpoint, self.max_pages = per_endpoint, max_pages

    def endpoint_of(self, url: str) -> str | None:
        try:
            return self.adapter.match(urlsplit(url).path, method="GET")[0]
        except HTTPException:
            return None

    def _local(self, link: str, base: str) -> str | None:
        link = link.strip()
        if not link or link.startswith(("#", "data:", "mailto:", "javascript:", "tel:")):
            return None
        parts = urlsplit(urljoin("http://localhost" + base, link))
        if parts.netloc not in self.hosts or parts.scheme not in {"http", "https"}:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def crawl(self, principal, seeds: Iterable[str], stats: CrawlStats, *, check: bool = True) -> None:
        queue = list(dict.fromkeys(seeds))
        seen, found_per_endpoint = set(queue), Counter()
        while queue:
            url = queue.pop(0)
            if stats.fetched >= self.max_pages:
                stats.truncated.append(f"{principal.name}: {url}")
                return
            for link in self._fetch(principal, url, stats, check=check):
                endpoint = self.endpoint_of(link)
                if link in seen or endpoint is None or found_per_endpoint[endpoint] >= self.per_endpoint:
                    continue
                seen.add(link)
                found_per_endpoint[endpoint] += 1
                queue.append(link)

    def _fetch(self, principal, url: str, stats: CrawlStats, *, check: bool) -> list[str]:
        response = principal.get(url)
        stats.fetched += 1
        content = response.get_data()
        text, download = body_text(content, response.mimetype)
        if download:
            stats.downloads[download] += 1
        if reached(response):
            stats.reached.add(self.endpoint_of(url))
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for where, haystack in (("headers", headers), ("body", text)):
            secrets = self.finder.find(haystack)
            stats.secrets_seen.update(secrets)
            if secrets and check:
                stats.appearances.append(Appearance(principal.name, url, response.status_code, where, secrets))
        return [local for link in links_in(response, text) if (local := self._local(link, url))]
