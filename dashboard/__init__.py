"""Critica's dashboard: a Streamlit multipage app reading the warehouse through dashboard.data."""
