"""Map and Compare page pieces: forms, panels, figures and the shareable link."""
