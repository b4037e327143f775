-- Governance grid cells with their household and resident counts (aggregates only).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT g.code, g.name, g.village_code, g.household_count, g.resident_count,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(g.geom, :tol, true), 3857), b.tile, 4096, 64, true) AS geom
    FROM grid_cell g, bounds b
    WHERE g.geom && b.search
      AND (CAST(:town AS text) IS NULL OR left(g.code, 9) = :town)
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'grid_cells', 4096, 'geom') FROM features WHERE geom IS NOT NULL
