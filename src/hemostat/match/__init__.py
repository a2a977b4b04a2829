"""Components → findings: version ordering per ecosystem, OSV/NVD range semantics, matchers.

Submodules are imported explicitly (``from hemostat.match.versions import version_key``); this
package module stays free of eager imports so that importing one matcher does not load them all.
"""
