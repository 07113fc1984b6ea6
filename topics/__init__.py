"""Root-cause discovery: multilingual embeddings and BERTopic over complaints and comments.

The only package that imports BERTopic, UMAP, HDBSCAN, torch or the embedding models.
"""
