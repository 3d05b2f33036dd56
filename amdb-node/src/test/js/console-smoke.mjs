// Opens the console in Debian's headless Chromium, checks the node is on the ring, does a put and a get
// from the query box, lets the live ops/s chart draw, checks the storage panel shows the node's async log,
// and saves a screenshot.
// Usage: node console-smoke.mjs <console-url> <node-id> <screenshot.png>. Exit 0 and "CONSOLE OK" on success.
import { chromium } from 'playwright-core';

const [url, nodeId, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // The closed network here: without these Chromium floods refused connections at start.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const errors = [];
let step = 'open the page';
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  step = 'see the node on the ring';
  await page.waitForSelector('#conn.up');
  await page.waitForSelector(`#members li[data-node="${nodeId}"]`);
  if ((await page.locator('#ring path').count()) < 1) throw new Error('the ring has no arcs');

  step = 'put from the query box';
  await page.selectOption('#query-op', 'put');
  await page.fill('#query-key', 'browser:greeting');
  await page.fill('#query-value', 'hello from chromium');
  await page.click('#query-run');
  await page.waitForFunction(() => document.getElementById('query-result').textContent === 'OK');
  step = 'get from the query box';
  await page.selectOption('#query-op', 'get');
  await page.click('#query-run');
  await page.waitForFunction(() => document.getElementById('query-result').textContent === 'hello from chromium');

  step = 'see load on the live chart';
  // Load through the REST API (same origin) until the live chart has drawn a few samples and a rise.
  await page.evaluate(() => {
    window.loadRunning = true;
    (async () => {
      for (let i = 0; window.loadRunning; i++) {
        await fetch(`/v1/kv/browser:load:${i % 500}`, { method: 'PUT', body: String(i) });
      }
    })();
  });
  await page.waitForFunction(() => {
    const line = document.querySelector('#ops-chart polyline');
    return Number(line.dataset.samples || 0) >= 6 && Number(line.dataset.max || 0) > 0;
  });
  await page.evaluate(() => { window.loadRunning = false; });
  step = 'see the storage panel';
  await page.waitForFunction(() => document.getElementById('storage').textContent.includes('async')
    && document.getElementById('storage').textContent.includes('fsyncs'));
  step = 'browse keys';
  await page.fill('#browse-prefix', 'browser:');
  await page.click('#browse button[type=submit]');
  await page.waitForSelector('#keys tbody tr td');
  await page.screenshot({ path: screenshot, fullPage: true });
  if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  console.log('CONSOLE OK');
} catch (e) {
  console.log(`FAILED at step "${step}": ${e.message}`);
  console.log('page errors: ' + JSON.stringify(errors));
  await page.screenshot({ path: screenshot.replace(/\.png$/, '') + '-failed.png', fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
