/** The pages, one pure function each: view model in, HTML document out. */
export { errorPage } from './error-page.js';
export { html, raw, escapeHtml, SafeHtml } from './html.js';
export { layout } from './layout.js';
export { loginPage } from './login.js';
export { productDetailPage } from './product-detail.js';
export { productFormPage } from './product-form.js';
export { productsListPage } from './products-list.js';
export { signupPage } from './signup.js';
export type * from './types.js';
