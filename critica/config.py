"""Critica's settings: defaults in code, overridden by a ``critica.toml`` file, then by the CLI."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from warehouse.business_calendar import BusinessCalendar
from warehouse.store import warehouse_path_from_env

CONFIG_FILE_NAME: Final = "critica.toml"


@dataclass(frozen=True)
class CriticaConfig:
    """Everything the CLI needs to know that is not an argument of one command.

    Attributes:
        warehouse: The live DuckDB file.
        source_time_zone: Zone of local times in exports that carry no offset.
        calendar: The service desk's working hours, for business-time KPIs and SLA clocks.
        topics: The ``[topics]`` table: ``embedding_model``, ``documents`` and a ``params``
            table of topics.model.TopicParams fields.
    """

    warehouse: Path
    source_time_zone: str = "UTC"
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    topics: Mapping[str, object] = field(default_factory=dict)


def load_config(environ: Mapping[str, str], config_file: Path | None = None) -> CriticaConfig:
    """Read the configuration: ``config_file`` or ./critica.toml if present, else defaults.

    ``CRITICA_WAREHOUSE`` overrides the file's warehouse path (flag > environment > file > code).

    Raises:
        ValueError: naming the file and key when the file has a bad value.
    """
    path = config_file or Path(CONFIG_FILE_NAME)
    settings: dict[str, object] = {}
    if path.exists():
        try:
            settings = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as bad:
            raise ValueError(f"{path}: not valid TOML: {bad}") from bad
    elif config_file is not None:
        raise ValueError(f"{config_file}: no such configuration file")
    warehouse = Path(str(settings.get("warehouse", warehouse_path_from_env({}))))
    if "CRITICA_WAREHOUSE" in environ:
        warehouse = warehouse_path_from_env(environ)
    config = CriticaConfig(warehouse=warehouse)
    if "source_time_zone" in settings:
        config = replace(config, source_time_zone=str(settings["source_time_zone"]))
    topic_settings = settings.get("topics", {})
    if not isinstance(topic_settings, dict):
        raise ValueError(f"{path}: [topics] must be a table")
    config = replace(config, topics=topic_settings)
    calendar = settings.get("calendar")
    if calendar is not None:
        if not isinstance(calendar, dict):
            raise ValueError(f"{path}: [calendar] must be a table")
        try:
            config = replace(config, calendar=BusinessCalendar.from_mapping(calendar))
        except ValueError as bad:
            raise ValueError(f"{path}: [calendar] {bad}") from bad
    return config
