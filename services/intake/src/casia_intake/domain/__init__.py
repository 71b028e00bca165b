"""The intake's pure domain: Spanish identifiers with check digits and the case catalog.

- `identifiers`: NIF/NIE/CIF, CCC, NAF, liquidation period and authorization number validators.
- `catalog`: the catalog (case types, Materia > Categoría > Subcategoría, additional data, document
  types, upload limits, help links), loaded from the packaged `catalog.json`, and the checks of a
  case's classification, additional data and uploads against it.

No I/O beyond reading the packaged data file, no clock, no framework imports.
"""
