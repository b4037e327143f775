-- Building footprints with heights for extrusion. At low zooms only the largest footprints
-- (the feature cap keeps tiles small); small ones appear as the user zooms in.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT bl.code, bl.use, bl.floors, bl.height_m, bl.year_built,
           ST_AsMVTGeom(ST_Transform(bl.geom, 3857), b.tile, 4096, 16, true) AS geom
    FROM building bl, bounds b
    WHERE bl.geom && b.search
      AND (CAST(:town AS text) IS NULL OR left(bl.grid_code, 9) = :town)
    ORDER BY ST_Area(bl.geom) DESC
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'buildings', 4096, 'geom') FROM features WHERE geom IS NOT NULL
