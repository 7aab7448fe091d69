// Just enough of a DOM for the UI's builders (ui/js/dom.js and what uses it)
// to run under `node --test`: elements, text, attributes, dataset, click
// listeners, focus, and querySelector for `tag`, `#id` and `[data-testid=x]`.
// Not a browser: layout, CSS and real events are the end-to-end test's job.

class FakeNode {
  constructor(doc) {
    this.ownerDocument = doc;
    this.parentNode = null;
  }

  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }

  get isConnected() {
    let n = this;
    while (n.parentNode) n = n.parentNode;
    return n === this.ownerDocument.documentElement;
  }
}

class FakeText extends FakeNode {
  constructor(doc, text) {
    super(doc);
    this.data = String(text);
  }

  get textContent() {
    return this.data;
  }
}

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc);
    this.tagName = tag.toUpperCase();
    this.childNodes = [];
    this.attrs = new Map();
    this.dataset = {};
    this.listeners = {};
    this.style = {};
    this.hidden = false;
    this.innerHTML = "";
  }

  get children() {
    return this.childNodes.filter((c) => c instanceof FakeElement);
  }

  get firstElementChild() {
    return this.children[0] ?? null;
  }

  get className() {
    return this.attrs.get("class") ?? "";
  }

  set className(v) {
    this.attrs.set("class", String(v));
  }

  get id() {
    return this.attrs.get("id") ?? "";
  }

  setAttribute(name, value) {
    if (name.startsWith("data-")) this.dataset[camel(name.slice(5))] = String(value);
    else this.attrs.set(name, String(value));
  }

  getAttribute(name) {
    if (name.startsWith("data-")) return this.dataset[camel(name.slice(5))] ?? null;
    return this.attrs.get(name) ?? null;
  }

  append(...nodes) {
    for (const n of nodes) {
      const node = n instanceof FakeNode ? n : new FakeText(this.ownerDocument, n);
      node.remove();
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }

  replaceChildren(...nodes) {
    for (const c of [...this.childNodes]) c.remove();
    this.append(...nodes);
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) if (n === this) return true;
    return false;
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }

  set textContent(v) {
    this.replaceChildren(String(v));
  }

  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }

  click() {
    const event = { type: "click", target: this, currentTarget: this, preventDefault() {} };
    for (const fn of this.listeners.click ?? []) fn(event);
  }

  focus() {
    this.ownerDocument.activeElement = this;
  }

  querySelectorAll(selector) {
    const match = matcher(selector);
    const found = [];
    const walk = (el) => {
      for (const c of el.children) {
        if (match(c)) found.push(c);
        walk(c);
      }
    };
    walk(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

function matcher(selector) {
  const testid = selector.match(/^\[data-testid=["']?([^"'\]]+)["']?\]$/);
  if (testid) return (el) => el.dataset.testid === testid[1];
  if (selector.startsWith("#")) return (el) => el.id === selector.slice(1);
  if (/^[a-z][a-z0-9]*$/i.test(selector)) return (el) => el.tagName === selector.toUpperCase();
  throw new Error(`fake DOM: unsupported selector ${selector}`);
}

class FakeDocument {
  constructor() {
    this.documentElement = new FakeElement(this, "html");
    this.body = new FakeElement(this, "body");
    this.documentElement.append(this.body);
    this.activeElement = this.body;
  }

  createElement(tag) {
    return new FakeElement(this, tag);
  }

  createTextNode(text) {
    return new FakeText(this, text);
  }

  getElementById(id) {
    return this.documentElement.querySelector(`#${id}`);
  }
}

/** Installs a fresh fake `document` (and `Node`) as globals and returns it. */
export function installFakeDom() {
  const doc = new FakeDocument();
  globalThis.document = doc;
  globalThis.Node = FakeNode;
  return doc;
}
