"""Training data and training runs for the small LoRA request parser."""
