// Starts Node-Media-Server 2.x with RTMP in and HTTP-FLV / WebSocket-FLV out, for the browser
// time-to-first-frame figure (bench/browser-ttff.sh).
//   node nms-flv-start.js NMS_INSTALL_DIR RTMP_PORT HTTP_PORT
// Settings as in NMS's README (chunk size 60000, GOP cache on) plus allow_origin '*' so a page on
// another origin can play; it then serves http://127.0.0.1:HTTP_PORT/{app}/{name}.flv and ws on the
// same path. Logging at errors only. The media root is an empty temp dir (nothing is recorded).
const fs = require('fs');
const os = require('os');
const path = require('path');
const dir = path.resolve(process.argv[2]);
const rtmpPort = parseInt(process.argv[3], 10);
const httpPort = parseInt(process.argv[4], 10);
const NodeMediaServer = require(path.join(dir, 'node_modules', 'node-media-server'));
const mediaroot = fs.mkdtempSync(path.join(os.tmpdir(), 'nms-media-'));
const nms = new NodeMediaServer({
  logType: 1,
  rtmp: { port: rtmpPort, chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 },
  http: { port: httpPort, allow_origin: '*', mediaroot },
});
nms.run();
const stop = () => { fs.rmSync(mediaroot, { recursive: true, force: true }); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
