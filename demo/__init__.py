"""Deterministic demo data: the exports of a multilingual service desk, with a story."""
