# Sourced by the bench scripts: the test streams every benchmark plays, encoded once into
# bench/target/media. testsrc2 1280x720 30 fps + a sine tone, H.264 GOP 60 (2 s, no scene cuts)
# at a constant rate (nal-hrd=cbr) + AAC, 60 s, looped by the publisher with continuing timestamps.
#
#   bench_media KBPS     prints the path of test-KBPSk.flv (KBPS: 2000, 600 or 100), encoding it first
#                        when missing (messages on stderr)
bench_media() {
  local kbps="$1" v a
  local f
  f="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/media/test-${kbps}k.flv"
  case "$kbps" in 2000) v=1872; a=128 ;; 600) v=536; a=64 ;; 100) v=68; a=32 ;; *) echo "no media preset for $kbps" >&2; return 1 ;; esac
  if [ ! -s "$f" ]; then
    mkdir -p "$(dirname "$f")"
    echo "encoding $f (60 s, ${kbps} kbit/s)" >&2
    nice ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
      -f lavfi -i sine=frequency=440:sample_rate=44100 -t 60 -c:v libx264 -preset veryfast -pix_fmt yuv420p \
      -b:v ${v}k -maxrate ${v}k -bufsize ${v}k -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 \
      -c:a aac -b:a ${a}k -ac 2 -f flv "$f.part" && mv "$f.part" "$f"
  fi
  echo "$f"
}
