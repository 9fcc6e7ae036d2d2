"""Fine-tuning: training pairs, hard negatives, the training run, the saved models and how the space moved."""
