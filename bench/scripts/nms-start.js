// Starts Node-Media-Server 2.x with RTMP only, for the benchmark driver.
//   node nms-start.js NMS_INSTALL_DIR PORT
// NMS 2.x is the classic RTMP server (4.x is a rewrite); settings as in its README: chunk size
// 60000, GOP cache on. Logging at errors only, so the console costs nothing.
const path = require('path');
const dir = process.argv[2];
const port = parseInt(process.argv[3], 10);
const NodeMediaServer = require(path.join(dir, 'node_modules', 'node-media-server'));
const nms = new NodeMediaServer({
  logType: 1,
  rtmp: { port: port, chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 },
});
nms.run();
