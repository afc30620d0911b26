"""Streamlit UI pieces for Grounded Q&A. ``app.py`` only lays them out."""
