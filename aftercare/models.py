"""After the project: defect-repair requests in the warranty period, maintenance contracts, reports
of unfair practices, closing the project, rating the supplier and continuing to the next level."""
