// Starts Node-Media-Server 4.x (the rewrite with HTTP-FLV, WebSocket-FLV and enhanced RTMP) for the
// benchmark driver: RTMP in, HTTP-FLV out.
//   node nms4-start.js NMS4_INSTALL_DIR RTMP_PORT HTTP_PORT
// Its stock bin/config.json with what a benchmark must not have turned off: no RTMPS/HTTPS (no
// certificates), no web admin, no auth; the store (stream history) in a temp dir that is removed
// on exit. NMS 4 logs every session at info; the level is set to error after construction (the
// constructor forces debug) so the console costs nothing, as with NMS 2's logType 1.
const fs = require('fs');
const os = require('os');
const path = require('path');
const dir = path.resolve(process.argv[2]);
const rtmpPort = parseInt(process.argv[3], 10);
const httpPort = parseInt(process.argv[4], 10);
const pkg = path.join(dir, 'node_modules', 'node-media-server');
const NodeMediaServer = require(pkg);
const logger = require(path.join(pkg, 'src', 'core', 'logger.js'));
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nms4-data-'));
const config = {
  bind: '127.0.0.1',
  notify: { url: '' },
  store: { path: data, maxHistory: 10000 },
  auth: { play: false, publish: false, secret: 'bench' },
  rtmp: { port: rtmpPort },
  http: { port: httpPort },
  webadmin: { enable: false },
  record: { auto: false, path: path.join(data, 'record') },
};
const nms = new NodeMediaServer(config, path.join(data, 'config.json'));
logger.level = 'error';
nms.run();
const stop = () => { fs.rmSync(data, { recursive: true, force: true }); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
