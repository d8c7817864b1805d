"""The verify run for one spec: every interaction matched, checked, and the observations grouped."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from clientsmith.spec.merge import MergedSpec
from clientsmith.verify.bodies import REDACTED, is_secret, media_type
from clientsmith.verify.checker import UNDOCUMENTED, Checker, Observation
from clientsmith.verify.matcher import MATCHED, Matcher
from clientsmith.verify.report import Finding, Report, sort_key
from clientsmith.verify.traffic import Interaction

REDIRECT, NO_RESPONSE = "redirect", "no response"


def verify(spec: MergedSpec, interactions: list[Interaction], ignore: frozenset[str] = frozenset()) -> Report:
    matcher = Matcher(spec.document)
    checker = Checker(spec.document)
    report = Report(spec.source_name, interactions=len(interactions))
    groups: dict[tuple[str, str, str, str], Finding] = {}
    for interaction in interactions:
        if interaction.status == 0:  # HAR: blocked or aborted before any response
            report.skipped[NO_RESPONSE] = report.skipped.get(NO_RESPONSE, 0) + 1
            continue
        match = matcher.match(interaction.method, interaction.url,
                              media_type(interaction.response_header("content-type")))
        if 300 <= interaction.status < 400 and match.outcome in (MATCHED, UNDOCUMENTED) and not (
                match.operation is not None and checker.documents_status(match.operation, interaction.status)):
            # a redirect the spec does not document (`/incidents/1/` -> `/incidents/1`): the client follows
            # it, and where it leads is an interaction of its own
            report.skipped[REDIRECT] = report.skipped.get(REDIRECT, 0) + 1
            continue
        if match.outcome == MATCHED and match.operation is not None:
            report.matched += 1
            observations = checker.check(interaction, match.operation, match.path_params)
        elif match.outcome == UNDOCUMENTED:
            observations = [Observation(UNDOCUMENTED, "operation", match.path_pointer,
                                        f"undocumented operation {interaction.method} {_templated(match.path)}"
                                        + (f" ({match.note})" if match.note else ""),
                                        "request")]
        else:
            report.skipped[match.outcome] = report.skipped.get(match.outcome, 0) + 1
            continue
        source = f"{interaction.source} {interaction.method} {_redacted_url(interaction.url, checker.secret_names)}"
        for observation in observations:
            if observation.category in ignore:
                continue
            key = (observation.kind, observation.category, observation.pointer, observation.message)
            finding = groups.get(key)
            if finding is None:
                file, line, inner = spec.where(observation.pointer)
                finding = groups[key] = Finding(observation.kind, observation.category, observation.pointer,
                                                observation.message, file, line, inner, observation.name)
            finding.add(observation, source)
    report.findings = sorted(groups.values(), key=sort_key)
    return report


def _templated(path: str) -> str:
    """`/users/0a671397-1bda-...` -> `/users/{id}`: undocumented calls of one endpoint group together."""
    segments = []
    for segment in path.split("/"):
        has_digit = any(c.isdigit() for c in segment)
        looks_like_id = has_digit and (len(segment) >= 8 or segment.isdigit())
        segments.append("{id}" if looks_like_id else segment)
    return "/".join(segments)


def _redacted_url(url: str, secret_names: frozenset[str]) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, REDACTED if is_secret(k, secret_names) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]<>")))
