-- Rivers of one basemap tile in tile space (0..:extent, y down); rank 1 main river … 3 stream.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS tile,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4490) AS search
), features AS (
    SELECT r.rank AS kind,
           ST_AsMVTGeom(ST_Simplify(ST_Transform(r.geom, 3857), :tol), b.tile, :extent, :buffer, true) AS geom
    FROM river r, bounds b
    WHERE r.geom && b.search
      AND r.rank <= :max_rank
)
SELECT kind, ST_AsBinary(geom) AS wkb FROM features WHERE geom IS NOT NULL
