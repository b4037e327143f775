-- Rivers and streams.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4490) AS search
), features AS (
    SELECT r.name, r.rank,
           ST_AsMVTGeom(ST_Transform(ST_Simplify(r.geom, :tol), 3857), b.tile, 4096, 64, true) AS geom
    FROM river r, bounds b
    WHERE r.geom && b.search AND (r.rank <= 2 OR :z >= 11)
    LIMIT :lim
)
SELECT ST_AsMVT(features, 'rivers', 4096, 'geom') FROM features WHERE geom IS NOT NULL
