"""Settings: the only place that reads the environment (HEMOSTAT_* variables)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict

MiB = 1024 * 1024


def default_database_url() -> str:
    path = Path(user_data_dir("hemostat", appauthor=False)) / "hemostat.db"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    """Configuration; every field can be set as ``HEMOSTAT_<FIELD>``, e.g. HEMOSTAT_DATABASE_URL."""

    model_config = SettingsConfigDict(env_prefix="HEMOSTAT_", extra="ignore")

    database_url: str = ""
    limit_max_bytes: int = 64 * MiB
    limit_max_decompressed_bytes: int = 256 * MiB
    limit_max_components: int = 200_000
    limit_max_depth: int = 128
    limit_max_string: int = 1 * MiB

    # Feed sync (docs/feeds.md). Mirrors replace the official URL of one feed kind.
    feed_mirror_kev: str = ""
    feed_mirror_epss: str = ""
    feed_mirror_osv: str = ""
    feed_mirror_nvd: str = ""
    feed_mirror_csaf: str = ""
    feed_osv_ecosystems: str = ""  # comma-separated, default PyPI,Go,crates.io
    feed_nvd_api_key: str = ""
    feed_connect_timeout: float | None = None
    feed_read_timeout: float | None = None
    feed_max_tries: int | None = None
    feed_backoff: float | None = None
    feed_max_wait: float | None = None
    feed_max_bytes: int | None = None
    feed_stale_days_kev: int | None = None
    feed_stale_days_epss: int | None = None
    feed_stale_days_osv: int | None = None
    feed_stale_days_nvd: int | None = None
    feed_stale_days_csaf: int | None = None

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
