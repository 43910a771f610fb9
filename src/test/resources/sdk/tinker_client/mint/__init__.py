"""Stands in for mint's toolkit module: importing it copies MINT_* settings to TINKER_*, as mint does."""
import os

for _name in ("API_KEY", "BASE_URL"):
    if os.environ.get("MINT_" + _name) and not os.environ.get("TINKER_" + _name):
        os.environ["TINKER_" + _name] = os.environ["MINT_" + _name]
