// Boots the vendored Swagger UI on the API documentation page (no inline script, no CDN).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    persistAuthorization: false,
    tryItOutEnabled: false
  });
})();
