"""The error tree. Every expected failure is a HemostatError; the CLI maps it to exit code 2 and
the API (later) to RFC 9457 problem+json. Nothing else may escape a stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """What happened, where, and what to do about it."""

    code: str
    message: str
    file: str | None = None
    location: str | None = None
    hint: str | None = None

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f" at {self.location}" if self.location else "")
        elif self.location:
            where = self.location
        head = f"{where}: {self.message}" if where else self.message
        return f"{head} [{self.code}]" + (f"\n  fix: {self.hint}" if self.hint else "")


class HemostatError(Exception):
    """Root of every error Hemostat raises on purpose."""

    code = "hemostat_error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        location: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.location = location
        self.hint = hint
        if code is not None:
            self.code = code

    def diagnostics(self) -> Diagnostic:
        return Diagnostic(self.code, self.message, self.file, self.location, self.hint)

    def details(self) -> tuple[Diagnostic, ...]:
        """Further problems behind this one (a model with ten mistakes lists all ten)."""
        return ()

    def __str__(self) -> str:
        return self.diagnostics().render()


class UsageError(HemostatError):
    """A request that cannot be carried out as asked (unknown product, bad option value)."""

    code = "usage"


class NotFoundError(UsageError):
    code = "not_found"


class ConflictError(UsageError):
    code = "conflict"


class IngestError(HemostatError):
    """Any failure to read an input document. Parsers raise only subclasses of this."""

    code = "ingest_error"


class FormatNotRecognized(IngestError):
    code = "format_not_recognized"


class UnsupportedSpecVersion(IngestError):
    code = "unsupported_spec_version"


class SchemaViolation(IngestError):
    code = "schema_violation"


class MalformedDocument(IngestError):
    code = "malformed_document"


class InvalidEncoding(IngestError):
    code = "invalid_encoding"


class InputTooLarge(IngestError):
    code = "input_too_large"


class InputTooDeep(IngestError):
    code = "input_too_deep"


class ForbiddenXml(IngestError):
    code = "xml_dtd_forbidden"


class FeedError(HemostatError):
    """A vulnerability feed source that cannot be read at all (missing, truncated, wrong format,
    over a limit). Problems with single records are ``Quarantined`` entries instead."""

    code = "feed_error"


class StorageError(HemostatError):
    code = "storage_error"


class ThreatModelError(HemostatError):
    """A threat model or threat rule file that cannot be used. ``problems`` lists every problem
    found (each with file and ``line N``), not just the first."""

    code = "threat_model_invalid"

    def __init__(
        self,
        problems: tuple[Diagnostic, ...] | list[Diagnostic],
        *,
        file: str | None = None,
        what: str = "threat model",
    ) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        first = self.problems[0] if self.problems else None
        super().__init__(
            f"{what} has {count} problem{'s' if count != 1 else ''}",
            file=file or (first.file if first else None),
            location=first.location if first else None,
            hint="fix every problem listed; each names its file and line",
        )

    def details(self) -> tuple[Diagnostic, ...]:
        return self.problems

    def __str__(self) -> str:
        return "\n".join([self.message, *(p.render() for p in self.problems)])
