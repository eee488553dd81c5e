"""The column headers of a unit's indicator table, folded (`lib/text.fold`, without `:*.()`).

Read by intake to find the table and by alerting to find the same table in the copy it sends back,
so both agree on which column holds the values and which the unit's notes.
"""

CODE_HEADERS = frozenset({"ma chi so"})
# The value is the total: headed Giá trị / Số liệu / Kết quả, or Tổng số / Tổng / Cộng when split.
VALUE_HEADERS = frozenset({"gia tri", "so lieu", "ket qua", "tong so", "tong", "cong", "tong cong"})
# Ghi chú: a unit's reason for a figure, or `x` when the indicator does not apply.
NOTE_HEADERS = frozenset({"ghi chu", "chu thich", "note"})
NOTE_HEADER = "Ghi chú"  # what the annotated copy adds when the unit's layout has no such column
