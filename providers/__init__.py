"""LLM providers behind one interface: see :mod:`providers.base`."""
