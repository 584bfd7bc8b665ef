"""SCORM package modules: safe import, manifest checks, the player and its run-time data (CMI)."""
