"""Small widgets that render state and post messages up."""
