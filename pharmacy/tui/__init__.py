"""The counter app (Textual): wiring in app.py, screens that own their flows, widgets that send messages up."""
