"""The dashboard's pages: each a script that Streamlit runs, drawing what dashboard.data returns."""
