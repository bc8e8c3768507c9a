"""The pure part of attendance: places and the interval algebra (stays), what the gateway
showed (observations), folding observations into rows (tracker), per-person totals (people).
No discord, no aiosqlite."""
