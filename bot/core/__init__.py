"""The core every feature builds on (see ARCHITECTURE/DESIGN: layers and features)."""
