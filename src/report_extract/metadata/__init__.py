"""Who, when and where: title, agency, year and date (meta), administrative divisions
(division), the agency identity across years (agency), what kind of document it is
(kind), and facts stated in prose (facts).
"""
