#!/usr/bin/env bash
# warm_pg.sh SCHEMA — reads every relation file of the schema into the page cache
B=postgres://postgres@127.0.0.1:5432/test
dir="$(psql -At "$B" -c "SHOW data_directory")"
files=()
while read -r rel; do [ -n "$rel" ] && files+=("$dir/$rel" "$dir/$rel".[0-9]* "$dir/$rel"_*); done < <(psql -At "$B" -c "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$1' AND pg_relation_filepath(c.oid) IS NOT NULL")
present=(); for f in "${files[@]}"; do [ -f "$f" ] && present+=("$f"); done
cat "${present[@]}" > /dev/null; echo "warmed ${#present[@]} files"
