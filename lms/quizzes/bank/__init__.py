"""Question banks: questions stored as versions (`services`), the category tree (`categories`),
what trainers change in the browser (`editing`, with one editor per type in `editor`), and the
bank pages (`views`; import and export in `import_views`).
"""
