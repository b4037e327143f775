-- The county in one basemap tile (tile space, y down): its area, to veil what lies outside, and its
-- boundary out to :edge_buffer around the tile, to fade the veil in with distance from the boundary.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :edge_margin), 4490) AS search
), county AS (
    SELECT ST_Simplify(ST_Transform(a.geom, 3857), :tol) AS geom, b.tile
    FROM admin_area a, bounds b
    WHERE a.geom && b.search
      AND a.level = 'county'
)
SELECT ST_AsBinary(ST_AsMVTGeom(geom, tile, :extent, :buffer, true)) AS area,
       ST_AsBinary(ST_AsMVTGeom(ST_Boundary(geom), tile, :extent, :edge_buffer, true)) AS edge
FROM county
