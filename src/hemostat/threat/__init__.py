"""Threat models as data (docs/threat-model-format.md): ``model.load_model`` reads the YAML model,
``rules_loader.load_rules`` the rule library, ``engine.analyze`` produces the ``ThreatAnalysis``
(stable threat ids, mitigation, treatments, ``risk``). Stage package: imports only
``hemostat.domain`` and ``hemostat.errors`` from the rest of Hemostat."""
