"""The catalogue's full-text search: course titles, descriptions, module titles and bodies of the
published course versions, found without diacritics, through the field's abbreviations, ranked
by where they match. `services.catalog_page` is the one entry point; `index` keeps the documents
current when a version is published.
"""
