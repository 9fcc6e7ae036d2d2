"""Images: safe loading of image archives, image embedding models, thumbnails."""
