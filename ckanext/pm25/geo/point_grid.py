"""A coarse raster over the provinces that answers most point lookups with array indexing.

Each cell is classified once: wholly inside one province (answer known), touching no
province (answer: none), or crossed by a border or coast (ask the exact geometry). Only
points in the last kind of cell pay for a point-in-polygon test, so most lookups are one
array index while giving exactly the answers of the exact test.
"""
from __future__ import annotations

import numpy as np
import shapely
from shapely.strtree import STRtree

NO_PROVINCE = -1
EXACT_TEST = -2


class PointGrid:
    def __init__(self, geometries: np.ndarray, tree: STRtree, cell_size: float = 0.05) -> None:
        min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
        self.origin = (float(min_x), float(min_y))
        self.cell_size = cell_size
        # One cell more than needed, so points on the maximum edge fall on the grid.
        self.shape = (int((max_y - min_y) // cell_size) + 1, int((max_x - min_x) // cell_size) + 1)
        rows, cols = np.indices(self.shape)
        left = min_x + cols.ravel() * cell_size
        bottom = min_y + rows.ravel() * cell_size
        cells = shapely.box(left, bottom, left + cell_size, bottom + cell_size)
        # Predicates are evaluated as province.predicate(cell) so the prepared provinces do the
        # work; a predicate query on the tree would prepare each cell instead (ten times slower).
        cell_index, geometry_index = tree.query(cells)
        inside = shapely.contains_properly(geometries[geometry_index], cells[cell_index])
        classes = np.full(cells.size, NO_PROVINCE, dtype=np.int64)
        undecided = ~inside
        touching = shapely.intersects(geometries[geometry_index[undecided]], cells[cell_index[undecided]])
        classes[cell_index[undecided][touching]] = EXACT_TEST
        classes[cell_index[inside]] = geometry_index[inside]
        self.classes = classes.reshape(self.shape)

    def classify_one(self, x: float, y: float) -> int:
        """A geometry index, NO_PROVINCE (also off the grid, or NaN), or EXACT_TEST."""
        col = (x - self.origin[0]) / self.cell_size
        row = (y - self.origin[1]) / self.cell_size
        if not (0 <= col < self.shape[1] and 0 <= row < self.shape[0]):  # also False for NaN
            return NO_PROVINCE
        return int(self.classes[int(row), int(col)])
