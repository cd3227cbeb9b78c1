"""What every page loads or links to: its stylesheet and logo, the language
links, static and media files. The middlewares that send a person elsewhere
first (two-factor activation, a new charter) let these through: a redirected
stylesheet would load the activation page behind the one being filled in,
and draw it a new secret."""

PAGE_ASSET_PREFIXES = ("/i18n/", "/langue/", "/theme.css", "/logo/", "/static/", "/media/")
