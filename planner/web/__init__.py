"""The merchandiser's pages: views, forms, the season page's reads and charts."""
