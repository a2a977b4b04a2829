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

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
