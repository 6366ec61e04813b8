// Placeholder entry; the dashboard is built in its own issue.
const app = document.getElementById('app');
if (app) app.textContent = 'hopscope';
