/*
 * The reports page: the day-by-day and the response-time charts (Chart.js, vendored),
 * drawn from the same figures as the tables beside them. The charts do not lean on
 * colour alone: posts are bars and the on-time rate a dashed line with points; wall
 * clock and service hours are a filled and an outlined bar. Without script the
 * tables say everything.
 */
(function () {
  "use strict";

  // The chosen days' fields only with "Chosen days" ticked (all fields show without script).
  const days = document.querySelector(".period-days");
  const radios = document.querySelectorAll("input[name=period]");
  const showDays = () => {
    const chosen = document.querySelector("input[name=period]:checked");
    if (days) days.hidden = !chosen || chosen.value !== "custom";
  };
  radios.forEach((radio) => radio.addEventListener("change", showDays));
  showDays();

  if (!("Chart" in window)) return;
  const ink = "#12263f";
  const blue = "#0d3a6b";
  Chart.defaults.color = ink;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  const read = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };

  const trend = read("trend-data");
  const trendCanvas = document.getElementById("trend-chart");
  if (trend && trendCanvas) {
    new Chart(trendCanvas, {
      data: {
        labels: trend.labels,
        datasets: [
          { type: "bar", label: trendCanvas.dataset.posts, data: trend.posts, backgroundColor: "#9fb8d6", borderColor: blue, borderWidth: 1, yAxisID: "posts" },
          { type: "line", label: trendCanvas.dataset.rate, data: trend.rate, borderColor: ink, borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 4, spanGaps: true, yAxisID: "rate" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          posts: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
          rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, ticks: { callback: (value) => value + " %" } },
        },
      },
    });
  }

  const spread = read("distribution-data");
  const spreadCanvas = document.getElementById("distribution-chart");
  if (spread && spreadCanvas) {
    new Chart(spreadCanvas, {
      type: "bar",
      data: {
        labels: spread.labels,
        datasets: [
          { label: spreadCanvas.dataset.wall, data: spread.wall, backgroundColor: blue, borderColor: blue, borderWidth: 1 },
          { label: spreadCanvas.dataset.service, data: spread.service, backgroundColor: "rgba(255,255,255,0)", borderColor: ink, borderWidth: 2 },
        ],
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
})();
