"""The index lab: what each distance metric, approximate index and quantisation costs and keeps on given vectors."""
