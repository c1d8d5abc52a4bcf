// static-server.mjs SITE_DIR - serve SITE_DIR over HTTP as a static host
// would (gzip, cached per file) and print its URL.  The search benchmark
// runs it as a process of its own, so that serving does not wait on the
// event loop that drives the browser.
import { serve } from '../browser/search-lib.mjs';

const s = await serve(process.argv[2], { gzip: true, csp: false });
console.log(s.url);
