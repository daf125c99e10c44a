"""Trainable attribution: read annotated corpora (brat standoff), convert them to token-level
role tags, train a role tagger, and use it next to the rules.

- :mod:`onrecord.train.brat` reads brat standoff (PolNeAR and PARC-style layouts);
- :mod:`onrecord.train.data` turns gold attributions into BIO role tags over spaCy tokens;
- :mod:`onrecord.train.model` trains, saves, loads and applies the role tagger.

spaCy is imported only when a model is trained or loaded.
"""
